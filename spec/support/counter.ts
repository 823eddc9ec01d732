import { Aggregate, AggregateRoot, Apply, DomainEvent } from '../../lib';

/** One increment, with the count the decision saw: a lost update shows as a count seen twice. */
@DomainEvent('CounterIncremented')
export class CounterIncremented {
  constructor(
    readonly seen: number = 0,
    readonly by: number = 1,
  ) {}
}

/** A test aggregate that many writers update at once: a count of increments. */
@Aggregate('Counter')
export class Counter extends AggregateRoot {
  count = 0;

  increment(by = 1): void {
    this.raise(new CounterIncremented(this.count, by));
  }

  @Apply(CounterIncremented)
  protected incremented(event: CounterIncremented): void {
    this.count += event.by;
  }
}
