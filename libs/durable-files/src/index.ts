export { writeFileDurably } from './write-file-durably';
export { writeFileDurablyAsync } from './write-file-durably-async';
export { readJsonFile, UnreadableFileError } from './read-json-file';
export { writeSmallFileDurably } from './write-small-file-durably';
