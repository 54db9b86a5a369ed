export { writeFileDurably } from './write-file-durably';
export { writeFileDurablyAsync } from './write-file-durably-async';
export { readJsonFile, UnreadableFileError } from './read-json-file';
export { writeSmallFilesDurably, type SmallFile } from './write-small-files-durably';
