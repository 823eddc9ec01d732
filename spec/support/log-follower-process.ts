// A follower of the log for the ordering spec: a dispatcher running FollowedPositions, which
// records the position of each event it applies, on a PostgreSQL schema.
//
//   node log-follower-process.js <url> <schema> <lease-ms>
//
// It prints "started <state>" once the dispatcher runs (its subscriber is 'standby' while another
// follower holds the lease), then follows the log until it is killed.
import 'reflect-metadata';
import { Dispatcher, EventStore } from '../../lib';
import { Counted, FollowedPositions } from './ordering-writers';

async function main(): Promise<void> {
  const [url, schema, leaseMs] = process.argv.slice(2);
  const store = await EventStore.open({ postgres: url!, schema, poolSize: 4, events: [Counted] });
  const dispatcher = await Dispatcher.start(store, [new FollowedPositions()], { leaseMs: Number(leaseMs), logger: false });
  process.stdout.write(`started ${dispatcher.stats()[0]!.state}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
