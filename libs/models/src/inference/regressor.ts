/** A served model's scorer: many rows of `featureCount` numbers in, one prediction per row out. */
export interface Regressor {
  readonly featureCount: number;
  predict(rows: ReadonlyArray<ArrayLike<number>>): Promise<number[]>;
}
