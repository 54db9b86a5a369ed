/**
 * The skip reason of a player the original's feature gate refuses (validate_features): it gets no
 * row by design, so a batch does not expect predictions for it (players_expected leaves it out).
 */
export const INVALID_FEATURES = 'invalid_features';
