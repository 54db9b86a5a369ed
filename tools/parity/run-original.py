#!/usr/bin/python3
"""Step 2 of the golden parity suite (docs/parity.md): run the ORIGINAL worker's own
`process_player_predictions` (predictions/worker/worker.py of najicham/nba-stats-scraper, loaded from
the path given with --original, never copied here) on the requests export-requests.ts wrote, and
write inputs and outputs as JSON fixtures.

Only cloud I/O is stubbed, by modules injected into sys.modules before the worker is imported:
- google.cloud.bigquery: a Client whose query() answers the original's own SQL from the exported
  warehouse facts (ml_feature_store_v2 rows: the request's stored vector, quality and the store's
  days_rest/is_home/data_source/completeness; player_game_summary rows: the request's history, 30
  games in 90 days as the original's query reads, ordered as its SQL orders them: newest first, with
  days_until_next from the LAG it computes). Any other query (injury report, registry, circuit
  breaker state) answers no rows. Every other google.* module is an inert stand-in.
- catboost: not installable here. CatBoostRegressor forwards each vector to a Node process that scores
  it with this project's ONNX conversion of the same .cbm (tools/parity/onnx-scorer.mjs).
Everything else (feature loading and validation, the systems, the ensembles, the formatter, the line
quality gate the handler applies) is the original's code, run unchanged.

usage: /usr/bin/python3 tools/parity/run-original.py --original /path/to/nba-stats-scraper \
          --inputs /tmp/parity-inputs --out tools/parity/fixtures
"""
import argparse
import datetime as dt
import glob
import importlib
import importlib.abc
import importlib.machinery
import json
import logging
import os
import subprocess
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# ---------------------------------------------------------------- warehouse answers for one date
CURRENT = {'inputs': None}


class Row(dict):
    """A BigQuery row: attribute and key access; a column the stand-in does not hold is None."""

    def __getattr__(self, name):
        return self.get(name)


def _params(job_config):
    values = {}
    for parameter in getattr(job_config, 'query_parameters', None) or []:
        values[parameter.name] = parameter.value
    return values


def _history_rows(request, max_games):
    """player_game_summary rows as the original's batch SQL returns them (newest first, game_rank, days_until_next)."""
    games = sorted(request['history'], key=lambda game: game['game_date'], reverse=True)[:max_games]
    rows = []
    for rank, game in enumerate(games, start=1):
        played = dt.date.fromisoformat(game['game_date'])
        # LAG(game_date) OVER (ORDER BY game_date DESC): the game after this one, None for the newest.
        later = dt.date.fromisoformat(games[rank - 2]['game_date']) if rank > 1 else None
        rows.append(Row(
            player_lookup=request['player_lookup'],
            game_date=played,
            opponent_team_abbr=game['opponent_team_abbr'],
            points=game['points'],
            minutes_played=game['minutes'],
            game_rank=rank,
            days_until_next=(later - played).days if later else None,
        ))
    return rows


def answer(sql, job_config):
    inputs = CURRENT['inputs']
    params = _params(job_config)
    requests = {request['player_lookup']: request for request in inputs['requests']}
    if 'ml_feature_store_v2' in sql and 'SELECT DISTINCT player_lookup' in sql:
        return [Row(player_lookup=player) for player in requests]
    if 'ml_feature_store_v2' in sql and 'feature_names' in sql:
        rows = []
        for player in params.get('player_lookups', []):
            request, facts = requests.get(player), inputs['store'].get(player)
            if request is None or facts is None:
                continue
            rows.append(Row(
                player_lookup=player,
                features=list(request['features']['values']),
                feature_names=list(inputs['feature_names']),
                feature_quality_score=request['features']['quality_score'],
                data_source=facts['data_source'],
                days_rest=facts['days_rest'],
                is_home=facts['is_home'],
                completeness_percentage=facts['completeness_percentage'],
            ))
        return rows
    if 'player_game_summary' in sql:
        players = params.get('player_lookups') or [params.get('player_lookup')]
        rows = []
        for player in sorted(p for p in players if p in requests):
            rows.extend(_history_rows(requests[player], int(params.get('max_games', 30))))
        return rows
    return []


# ---------------------------------------------------------------- stub modules
class _Job:
    def __init__(self, rows):
        self._rows = rows

    def result(self, *args, **kwargs):
        return list(self._rows)

    def to_dataframe(self, *args, **kwargs):
        raise RuntimeError('pandas results are not stubbed')


class _Client:
    def __init__(self, *args, **kwargs):
        self.project = kwargs.get('project', 'parity')

    def query(self, sql, job_config=None, **kwargs):
        return _Job(answer(sql, job_config))

    def __getattr__(self, name):
        def inert(*args, **kwargs):
            raise RuntimeError(f'bigquery.Client.{name} is not stubbed')
        return inert


class _Parameter:
    def __init__(self, name, kind, value):
        self.name, self.type_, self.value = name, kind, value


class _QueryJobConfig:
    def __init__(self, query_parameters=None, **kwargs):
        self.query_parameters = query_parameters or []
        for key, value in kwargs.items():
            setattr(self, key, value)


class _Inert:
    """Stands in for any other cloud class or function: constructible, callable, every attribute inert."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Inert()

    def __getattr__(self, name):
        return _Inert()

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False

    def __mro_entries__(self, bases):
        return (Exception,)


class _InertModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        if name[0].isupper() and ('Error' in name or 'Exception' in name or name in ('NotFound', 'Conflict', 'Forbidden', 'BadRequest', 'GoogleAPICallError')):
            error = type(name, (Exception,), {})
            setattr(self, name, error)
            return error
        if name[0].islower():
            # `from google.cloud import bigquery` reads the attribute first: answer with the submodule.
            return importlib.import_module(f'{self.__name__}.{name}')
        return _Inert()


class _CloudStubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Every google.* module (and catboost) resolves to a stub; bigquery and catboost are the working ones."""

    def find_spec(self, fullname, path, target=None):
        if fullname == 'google' or fullname.startswith('google.') or fullname == 'catboost':
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _InertModule(spec.name)
        module.__path__ = []
        if spec.name == 'google.cloud.bigquery':
            module.Client = _Client
            module.QueryJobConfig = _QueryJobConfig
            module.ScalarQueryParameter = _Parameter
            module.ArrayQueryParameter = _Parameter
            module.LoadJobConfig = _QueryJobConfig
        if spec.name == 'catboost':
            module.CatBoostRegressor = CatBoostRegressorViaOnnx
        return module

    def exec_module(self, module):
        pass


class OnnxScorer:
    """One Node process scoring vectors with onnxruntime-node, one JSON line per vector."""

    def __init__(self, node, model):
        self.process = subprocess.Popen(
            [node, os.path.join(HERE, 'onnx-scorer.mjs'), model],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def score(self, vector):
        self.process.stdin.write(json.dumps([float(value) for value in vector]) + '\n')
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError('the ONNX scorer stopped')
        return float(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait()


SCORER = {'instance': None}


class CatBoostRegressorViaOnnx:
    def load_model(self, path, *args, **kwargs):
        self.path = path
        return self

    def predict(self, data):
        rows = data.tolist() if hasattr(data, 'tolist') else list(data)
        if rows and not isinstance(rows[0], list):
            rows = [rows]
        return [SCORER['instance'].score(row) for row in rows]


# ---------------------------------------------------------------- the run
def line_source_info(request):
    """The fields the original coordinator sends beside the line, as its handler reads them."""
    line = request['line_values'][0] if request['line_values'] else None
    actual = request['line_source'] == 'ACTUAL_PROP'
    return {
        'has_prop_line': actual,
        'actual_prop_line': line if actual else None,
        'line_source': request['line_source'],
        'estimated_line_value': None if actual else line,
        'estimation_method': None if actual else 'points_avg_last_5',
        'line_source_api': 'ODDS_API' if actual else 'ESTIMATED',
        'sportsbook': request['sportsbook'],
        'was_line_fallback': False,
        'line_minutes_before_game': None,
    }


def _rest_days(earlier, later):
    return (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days - 1


def similarity_on_our_context(similarity, format_row, loader, request):
    """The original's similarity_balanced_v1 (matching, weights, adjustments, confidence,
    recommendation: its own code) on each past game's context as this project derives it (the
    departure 'similarity-history-context'): history oldest first; the opponent tier from that game's
    opponent rating, the rest since the previous game, the game's venue, the form over the five games
    before it against all earlier ones; the current game's rest since the last game. The suite compares
    this project's similarity rows with these exactly, so a wrong reading of the history fails."""
    game_date = request['game_date']
    features = loader.load_features(request['player_lookup'], dt.date.fromisoformat(game_date))
    if features is None:
        return None
    past = sorted((g for g in request['history'] if g['game_date'] < game_date), key=lambda g: g['game_date'])
    games = []
    for index, game in enumerate(past):
        earlier = [g['points'] for g in past[:index]]
        form = 'normal'
        if index >= 5:
            last_five = earlier[-5:]
            form = loader._calculate_recent_form(sum(last_five) / 5, sum(earlier) / index)
        games.append({
            'game_date': game['game_date'],
            'opponent_tier': loader._calculate_opponent_tier(game['opponent_def_rating']),
            'days_rest': _rest_days(past[index - 1]['game_date'], game['game_date']) if index > 0 else 1,
            'is_home': game['is_home'],
            'recent_form': form,
            'points': float(game['points']),
            'minutes_played': float(game['minutes']),
        })
    current = dict(features)
    back_to_back = features.get('back_to_back')
    current['days_rest'] = _rest_days(past[-1]['game_date'], game_date) if past else (0 if back_to_back == 1 else 1)
    current['is_home'] = request['is_home']
    line = request['line_values'][0] if request['line_values'] else None
    result = similarity.predict(player_lookup=request['player_lookup'], features=current,
                                historical_games=games, betting_line=line)
    if result.get('predicted_points') is None:
        return [request['player_lookup'], None, None, None]
    # The row as the original's formatter writes it (rounding, confidence scale, estimated lines).
    row = format_row(
        system_id='similarity_balanced_v1',
        prediction={'predicted_points': result['predicted_points'], 'confidence': result['confidence_score'],
                    'recommendation': result['recommendation'], 'system_type': 'dict', 'metadata': result},
        player_lookup=request['player_lookup'], game_id=request['game_id'],
        game_date=dt.date.fromisoformat(game_date), line_value=line, features=features)
    return [request['player_lookup'], row['predicted_points'], row['confidence_score'], row['recommendation']]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--original', required=True, help='checkout of najicham/nba-stats-scraper (commit 0c82ae50)')
    parser.add_argument('--inputs', required=True, help='folder of <date>.inputs.json from export-requests.ts')
    parser.add_argument('--out', required=True, help='fixtures folder')
    parser.add_argument('--commit', default='0c82ae50')
    parser.add_argument('--node', default='node')
    parser.add_argument('--onnx', default=os.path.join(ROOT, 'models/onnx/catboost_v8_33features_20260108_211817.onnx'))
    args = parser.parse_args()

    original = os.path.abspath(args.original)
    # The worker is imported from its own folder (its relative paths); the paths given are the caller's.
    inputs_dir, out_dir, onnx = (os.path.abspath(path) for path in (args.inputs, args.out, args.onnx))
    worker_dir = os.path.join(original, 'predictions', 'worker')
    if not os.path.isfile(os.path.join(worker_dir, 'worker.py')):
        sys.exit(f'--original: {worker_dir}/worker.py not found')
    logging.disable(logging.CRITICAL)
    sys.meta_path.insert(0, _CloudStubFinder())
    sys.path[:0] = [worker_dir, original]
    os.environ['GCP_PROJECT_ID'] = 'parity'
    os.environ['CATBOOST_V8_MODEL_PATH'] = onnx
    SCORER['instance'] = OnnxScorer(args.node, onnx)
    os.chdir(worker_dir)
    import worker  # noqa: E402  (the original's module, from --original)
    from data_loaders import PredictionDataLoader  # noqa: E402

    circuit_breaker = worker.get_circuit_breaker()
    os.makedirs(out_dir, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(inputs_dir, '*.inputs.json'))):
        with open(path) as handle:
            inputs = json.load(handle)
        CURRENT['inputs'] = inputs
        loader = PredictionDataLoader('parity')
        rows, skipped, similarity_rows = [], {}, []
        similarity = worker.get_prediction_systems()[2]
        for request in inputs['requests']:
            player = request['player_lookup']
            result = worker.process_player_predictions(
                player_lookup=player,
                game_date=dt.date.fromisoformat(request['game_date']),
                game_id=request['game_id'],
                line_values=request['line_values'],
                data_loader=loader,
                circuit_breaker=circuit_breaker,
                line_source_info=line_source_info(request),
                historical_games_batch=None,
            )
            if not result['metadata'].get('skip_reason'):
                similarity_rows.append(
                    similarity_on_our_context(similarity, worker.format_prediction_for_bigquery, loader, request))
            predictions = result['predictions']
            metadata = result['metadata']
            if predictions:
                valid, error = worker.validate_line_quality(predictions, player, request['game_date'])
                if not valid:
                    skipped[player] = {'skip_reason': 'line_quality_validation', 'error_message': error.replace('\n', ' ')}
                    continue
            if not predictions:
                skipped[player] = {
                    'skip_reason': metadata.get('skip_reason') or 'no_predictions',
                    'error_message': metadata.get('error_message') or json.dumps(metadata.get('system_errors', {})),
                }
            for row in predictions:
                rows.append([player, row['system_id'], row['predicted_points'], row['confidence_score'],
                             row['recommendation'], row['current_points_line']])
        fixture = dict(inputs)
        fixture['original'] = {
            'repository': 'najicham/nba-stats-scraper',
            'commit': args.commit,
            'notes': [
                'catboost_v8 scored by this project\'s ONNX conversion of catboost_v8_33features_20260108_211817.cbm '
                '(the catboost package is not installable here); the vector is the one the original builds',
                'xgboost_v1 runs the original\'s mock model (predictions/shared/mock_xgboost_model.py) for ensemble_v1_1; '
                'its own rows are never written by the original (its result is stored under catboost_v8 and overwritten)',
                'the handler\'s line quality gate (validate_line_quality) is applied to the rows, as /predict does',
            ],
            'rows': rows,
            'skipped': skipped,
            'similarity_on_our_context': [row for row in similarity_rows if row is not None],
        }
        target = os.path.join(out_dir, f"{inputs['game_date']}.json")
        with open(target, 'w') as handle:
            json.dump(fixture, handle, separators=(',', ':'))
        print(f"{inputs['game_date']}: {len(inputs['requests'])} requests, {len(rows)} rows, {len(skipped)} players skipped")
    SCORER['instance'].close()


if __name__ == '__main__':
    main()
