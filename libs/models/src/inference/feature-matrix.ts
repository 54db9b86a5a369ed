/** The rows as one float32 block of rows × featureCount, the input tensor's data. */
export function featureMatrix(rows: ReadonlyArray<ArrayLike<number>>, featureCount: number): Float32Array<ArrayBuffer> {
  const data = new Float32Array(rows.length * featureCount);
  rows.forEach((row, index) => {
    if (row.length !== featureCount)
      throw new RangeError(`row ${index} has ${row.length} values; the model reads ${featureCount}`);
    data.set(row, index * featureCount);
  });
  return data;
}
