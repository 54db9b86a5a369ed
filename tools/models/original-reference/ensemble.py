"""Step 4 of the reference fixtures (README.md beside this file).

Runs the ORIGINAL ensemble_v1_1 (najicham/nba-stats-scraper at 0c82ae50, imported unchanged) on this
project's component outputs: each component is a stand-in that answers what this project's system
answered for the player, in the original system's own call shape and confidence scale (MA and ZM
0-1 tuples, the others 0-100 dicts). Writes the inputs and the original's outputs as JSON figures.

    python3 ensemble.py ORIGINAL_CHECKOUT COMPONENTS.json OUT.json
"""
import json
import sys

checkout, components_file, out_file = sys.argv[1:4]
sys.path.insert(0, f"{checkout}/predictions/worker")
from prediction_systems.ensemble_v1_1 import EnsembleV1_1  # noqa: E402


class Tuple:
    """moving_average / zone_matchup: predict(features, player_lookup, game_date, prop_line) -> (pred, conf 0-1, rec)."""

    def __init__(self, output):
        self.output = output

    def predict(self, features, player_lookup, game_date, prop_line):
        if self.output['predicted_points'] is None:
            raise RuntimeError('no prediction')
        return self.output['predicted_points'], self.output['confidence'], self.output['recommendation']


class Dict:
    """similarity / xgboost / catboost: predict(...) -> {predicted_points, confidence_score 0-100, recommendation}."""

    def __init__(self, output):
        self.output = output

    def predict(self, **kwargs):
        output = self.output
        return {
            'predicted_points': output['predicted_points'],
            'confidence_score': None if output['confidence'] is None else output['confidence'] * 100,
            'recommendation': output['recommendation'] or 'PASS',
        }


cases = []
for case in json.load(open(components_file)):
    by_id = {component['system_id']: component for component in case['components']}
    ensemble = EnsembleV1_1(
        moving_average_system=Tuple(by_id['moving_average']),
        zone_matchup_system=Tuple(by_id['zone_matchup_v1']),
        similarity_system=Dict(by_id['similarity_balanced_v1']),
        xgboost_system=Dict(by_id['xgboost_v1']),
        catboost_system=Dict(by_id['catboost_v8']),
    )
    predicted, confidence, recommendation, meta = ensemble.predict(
        features={}, player_lookup=case['player_lookup'], game_date=case['game_date'], prop_line=case['line'],
        historical_games=[],
    )
    cases.append({**case, 'original': {
        'predicted_points': predicted, 'confidence': confidence, 'recommendation': recommendation,
        'agreement_type': meta.get('agreement', {}).get('type'), 'systems_used': meta.get('systems_used'),
    }})
json.dump({'source': 'najicham/nba-stats-scraper@0c82ae50 predictions/worker/prediction_systems/ensemble_v1_1.py',
           'cases': cases}, open(out_file, 'w'))
print(f"{len(cases)} players -> {out_file}")
