export { generateSeason, type SeasonRows, type GenerateSeasonOptions } from './generate-season';
export { readSchedule, readPlayerIndex, SampleDataError, type ScheduledGame, type IndexedPlayer } from './sample-data';
