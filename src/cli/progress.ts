import { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

/** A progress bar on a terminal; on a pipe or in CI, a plain line every few seconds. */
export function createProgress(what: string, stream: NodeJS.WriteStream): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: `${what} [{bar}] {value}/{total} {label}`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    });
    let started = false;
    return {
      update(done, total, label) {
        const payload = { label: (label ?? '').slice(0, Math.max(10, (stream.columns ?? 80) - 60)) };
        if (!started) {
          bar.start(total, done, payload);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  // In logs: a line every tenth of the work or every 2 s, whichever comes first.
  let last = 0;
  let lastDone = -1;
  return {
    update(done, total) {
      const now = Date.now();
      const step = Math.max(1, Math.ceil(total / 10));
      const crossedStep = Math.floor(done / step) > Math.floor(Math.max(0, lastDone) / step);
      if (done === lastDone || (now - last < 2000 && done !== total && !crossedStep && lastDone >= 0)) return;
      last = now;
      lastDone = done;
      stream.write(`${what}: ${done}/${total}\n`);
    },
    stop() {},
  };
}
