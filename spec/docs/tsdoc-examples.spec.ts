// The ```ts examples of the TSDoc comments in lib/, what an editor shows beside a symbol, compiled
// in the same application as the docs' code blocks (see code-blocks.spec.ts), on TypeScript 5 and
// 7. An example leaves out its imports and the sample objects it talks about: the check imports
// what it uses from 'eventfold' and 'eventfold/cli', from the module it documents (for an internal
// helper, the packed package's file), and from the sample declarations of
// support/tsdoc-context.ts (`store`, `orders`, `Order`, `OrderPlaced`…). An example with a
// `return` outside any function is the body of one, as rustdoc does with `fn main`. Examples are
// compiled, not run.
import { compilers } from '../support/packed-package';
import { docsProject } from './support/docs-project';
import { expectNone } from './support/expect-none';

describe('TSDoc examples of lib/', function () {
  this.timeout(120_000);

  for (const compiler of compilers) {
    it(`compile in an application on ${compiler.name}`, async () => {
      const project = await docsProject();
      const errors = await project.compile(compiler);
      expectNone(errors.filter(({ tsdoc }) => tsdoc).map(({ text }) => text));
    });
  }
});
