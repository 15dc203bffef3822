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
  let last = 0;
  let lastDone = -1;
  return {
    update(done, total) {
      const now = Date.now();
      if (done === lastDone || (now - last < 2000 && done !== total)) return;
      last = now;
      lastDone = done;
      stream.write(`${what}: ${done}/${total}\n`);
    },
    stop() {},
  };
}
