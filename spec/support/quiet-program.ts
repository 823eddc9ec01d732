// A program that prints nothing of its own: it publishes two jobs, one of which its handler
// cannot do, waits until the handler is idle, and exits. Whatever it prints comes from eventfold.
//
//   node quiet-program.js <db>
import 'reflect-metadata';
import { Dispatcher, DomainEvent, EventHandler, EventStore, On } from '../../lib';

@DomainEvent('QuietJob')
class QuietJob {
  constructor(readonly job: string) {}
}

@EventHandler('quiet-worker', { retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 } })
class QuietWorker {
  @On(QuietJob)
  run(event: QuietJob): void {
    if (event.job === 'impossible') throw new Error('the job cannot be done');
  }
}

async function main(): Promise<void> {
  const store = await EventStore.open({ sqlite: process.argv[2]!, events: [QuietJob] });
  const dispatcher = await Dispatcher.start(store, [new QuietWorker()]);
  await store.publish(new QuietJob('possible'), { stream: { type: 'Job', id: '1' } });
  await store.publish(new QuietJob('impossible'), { stream: { type: 'Job', id: '2' } });
  await dispatcher.idle();
  await dispatcher.stop();
  await store.close();
}

void main();
