"""Step 2 of the similarity reference fixture (README.md beside this file).

Runs the ORIGINAL similarity_balanced_v1 (najicham/nba-stats-scraper at 0c82ae50, imported unchanged
from a checkout of it) on this project's requests, with each past game's context given as this
project supplies it (what was known before that game) instead of the original loader's constants
and look-ahead values. Also records what the original's validate_features (data_loaders.py, the worker's min 50) says of
each request's stored features. Writes the requests' inputs and the original's outputs as JSON figures.

    python3 generate.py ORIGINAL_CHECKOUT REQUESTS.json OUT.json

Only the original's own code scores, matches, weights, adjusts, rates confidence and recommends;
this script only maps a request onto the dict shapes the original reads, sorting the history by
date itself (never trusting the order it is given).
"""
import json
import sys
from datetime import date

checkout, requests_file, out_file = sys.argv[1:4]
sys.path.insert(0, f"{checkout}/predictions/worker")
from prediction_systems.similarity_balanced_v1 import SimilarityBalancedV1  # noqa: E402

# data_loaders imports the BigQuery client at the top; validate_features never uses it.
import types  # noqa: E402
google = types.ModuleType('google')
google.cloud = types.ModuleType('google.cloud')
google.cloud.bigquery = types.ModuleType('google.cloud.bigquery')
sys.modules.update({'google': google, 'google.cloud': google.cloud, 'google.cloud.bigquery': google.cloud.bigquery})
from data_loaders import validate_features  # noqa: E402

FEATURE_NAMES = [
    'points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10',
    'games_in_last_7_days', 'fatigue_score', 'shot_zone_mismatch_score', 'pace_score',
    'usage_spike_score', 'rest_advantage', 'injury_risk', 'recent_trend', 'minutes_change',
    'opponent_def_rating', 'opponent_pace', 'home_away', 'back_to_back', 'playoff_game',
    'pct_paint', 'pct_mid_range', 'pct_three', 'pct_free_throw', 'team_pace', 'team_off_rating',
    'team_win_pct', 'vegas_points_line', 'vegas_opening_line', 'vegas_line_move', 'has_vegas_line',
    'avg_points_vs_opponent', 'games_vs_opponent', 'minutes_avg_last_10', 'ppm_avg_last_10',
]
system = SimilarityBalancedV1()


def days_off(earlier: str, later: str) -> int:
    """Whole days between two games with no game: 0 for a back-to-back (the original's bucket 0)."""
    return (date.fromisoformat(later) - date.fromisoformat(earlier)).days - 1


def past_games(history, game_date):
    """The original's historical_games dicts, each game's context from what was known before it.

    A key the original reads with a default is left out when the value is unknown, so the
    original's own default applies (tier 'tier_2_average', days_rest 1, recent_form 'normal')."""
    games = sorted((game for game in history if game['game_date'] < game_date), key=lambda g: g['game_date'])
    out = []
    for index, game in enumerate(games):
        row = {'game_date': game['game_date'], 'points': float(game['points']), 'is_home': bool(game['is_home'])}
        if game['opponent_def_rating'] is not None:
            row['opponent_tier'] = system._get_opponent_tier(game['opponent_def_rating'])
        if index > 0:
            row['days_rest'] = days_off(games[index - 1]['game_date'], game['game_date'])
        if index >= 5:
            before = [g['points'] for g in games[:index]]
            last_five = before[-5:]
            row['recent_form'] = system._get_form_bucket(sum(last_five) / 5, sum(before) / len(before))
        out.append(row)
    return out


def features_of(request, games):
    """The original loader's dict: the stored values by name, its aliases, and days_rest."""
    values = request['features']['values']
    features = {name: value for name, value in zip(FEATURE_NAMES, values) if value is not None}
    if 'opponent_def_rating' in features:
        features['opponent_def_rating_last_15'] = features['opponent_def_rating']
    features['is_home'] = 1 if request['is_home'] else 0
    if games:
        features['days_rest'] = days_off(games[-1]['game_date'], request['game_date'])
    else:
        features['days_rest'] = 0 if features.get('back_to_back') == 1 else 1
    return features


cases = []
for request in json.load(open(requests_file)):
    games = past_games(request['history'], request['game_date'])
    stored = {name: value for name, value in zip(FEATURE_NAMES, request['features']['values'])}
    valid, errors = validate_features({**stored, 'feature_quality_score': request['features']['quality_score']},
                                      min_quality_score=50.0)
    line = request['line_values'][0] if request['line_values'] else None
    result = system.predict(request['player_lookup'], features_of(request, games), games, line)
    cases.append({
        'request': request,
        'original': {
            'predicted_points': result['predicted_points'],
            'confidence_score': result['confidence_score'],
            'recommendation': result['recommendation'],
            'similar_games_count': result['similar_games_count'],
            'avg_similarity_score': result.get('avg_similarity_score'),
            'error': result.get('error'),
        },
        'validate_features': {'valid': valid, 'errors': errors},
    })
json.dump({'source': 'najicham/nba-stats-scraper@0c82ae50 predictions/worker/prediction_systems/similarity_balanced_v1.py',
           'cases': cases}, open(out_file, 'w'))
written = sum(1 for case in cases if case['original']['predicted_points'] is not None)
print(f"{len(cases)} requests, the original writes {written} similarity rows -> {out_file}")
