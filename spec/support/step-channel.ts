/** What the spec tells a writer process: take the step you announced. */
export const GO = 'go';

/**
 * The child's side of a spec's step-by-step talk with a writer process over its IPC channel:
 * `send` tells the spec something, `announce` tells it and waits until the spec answers {@link GO}.
 * `script` names the child's script in the error thrown when it runs without a channel.
 */
export function stepChannel<M>(script: string): { send: (message: M) => Promise<void>; announce: (message: M) => Promise<void> } {
  const send = (message: M): Promise<void> => {
    const channel = process.send?.bind(process);
    if (!channel) throw new Error(`${script} runs as a child process forked with an IPC channel`);
    return new Promise((resolve, reject) => channel(message, undefined, undefined, (error) => (error ? reject(error) : resolve())));
  };
  const announce = async (message: M): Promise<void> => {
    const go = new Promise<void>((resolve) => {
      const listen = (order: unknown) => {
        if (order !== GO) return;
        process.off('message', listen);
        resolve();
      };
      process.on('message', listen);
    });
    await send(message);
    await go;
  };
  return { send, announce };
}
