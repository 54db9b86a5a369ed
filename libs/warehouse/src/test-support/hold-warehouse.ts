// Child process for the lock test: opens the warehouse for a unit of work that never ends, says so, and keeps it until killed.
import { withWarehouse } from '../local/duckdb-warehouse';

void withWarehouse(process.argv[2]!, async () => {
  process.stdout.write('held\n');
  // A pending promise alone does not keep Node running; the timer does.
  await new Promise(() => setInterval(() => undefined, 60_000));
});
