export { generateSeason, type SeasonRows, type GenerateSeasonOptions } from './generate-season';
export { seedWarehouse, type SeedOptions, type SeedSummary } from './local/seed-warehouse';
export { readSchedule, readPlayerIndex, SampleDataError, type ScheduledGame, type IndexedPlayer } from './sample-data';
