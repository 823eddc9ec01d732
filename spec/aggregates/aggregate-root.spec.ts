import { expect } from 'chai';
import { Aggregate, AggregateRoot, Apply, DomainEvent, InvalidArgumentError, MissingApplyHandlerError, UnregisteredEventError } from '../../lib';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';

@DomainEvent('NoteAdded')
class NoteAdded {
  constructor(readonly text: string) {}
}

class Undecorated {}

@Aggregate('Notebook')
class Notebook extends AggregateRoot {
  notes: string[] = [];

  write(event: object): void {
    this.raise(event);
  }

  @Apply(NoteAdded)
  protected added(event: NoteAdded): void {
    this.notes.push(event.text);
  }
}

describe('AggregateRoot.raise', () => {
  it('applies the event at once and keeps it as pending', () => {
    const order = Order.place('o-1', 'KRW-BTC', 3);
    order.fill(1);
    expect(order).to.include({ status: 'open', filled: 1, version: 0 });
    expect(order.pendingEvents.map((event) => event.constructor)).to.deep.equal([OrderPlaced, OrderFilled]);
  });

  it('throws MissingApplyHandlerError naming the aggregate and the event class, and records nothing', () => {
    const notebook = new Notebook('n-1');
    expect(() => notebook.write(new OrderCancelled('no handler'))).to.throw(MissingApplyHandlerError, /Notebook has no @Apply\(OrderCancelled\)/);
    expect(notebook.pendingEvents).to.have.length(0);
  });

  it('throws UnregisteredEventError for an object whose class lacks @DomainEvent', () => {
    const notebook = new Notebook('n-1');
    expect(() => notebook.write(new Undecorated())).to.throw(UnregisteredEventError, /Undecorated is not a registered event/);
  });

  it('lets business rules in domain methods reject a command before anything is raised', () => {
    const order = Order.place('o-1', 'KRW-BTC', 1);
    expect(() => order.fill(2)).to.throw('fill exceeds the remaining volume');
    expect(order.pendingEvents).to.have.length(1);
  });

  it('refuses an empty id', () => {
    expect(() => new Notebook('')).to.throw(InvalidArgumentError, /Notebook id/);
  });

  it('refuses two @Apply methods for one event class', () => {
    expect(() => {
      class Twice extends AggregateRoot {
        @Apply(NoteAdded) one(): void {}
        @Apply(NoteAdded) two(): void {}
      }
      return Twice;
    }).to.throw(InvalidArgumentError, /already takes NoteAdded/);
  });

  it('keeps the id, version and pending events out of the state fields', () => {
    const order = Order.place('o-1', 'KRW-BTC', 1);
    expect(Object.keys(order)).to.have.members(['market', 'volume', 'filled', 'status', 'fills']);
  });
});
