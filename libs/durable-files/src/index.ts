export { writeFileDurably } from './write-file-durably';
export { readJsonFile, UnreadableFileError } from './read-json-file';
