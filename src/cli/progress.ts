import cliProgress from 'cli-progress';

/** Progress of a long command, on stderr so stdout stays clean for results. */
export interface Progress {
  /** `done` of `total` units; the total may change as work is discovered. */
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A bar when stderr is a terminal; otherwise (CI logs, pipes) a plain line at every tenth of the
 * way and at the end, so logs show movement without thousands of lines.
 */
export function progress(label: string, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}`, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, done);
          started = true;
          return;
        }
        bar.setTotal(total);
        bar.update(done);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastStep = -1;
  let last = { done: 0, total: 0 };
  let printed = '';
  const print = () => {
    const line = `${label}: ${last.total ? Math.floor((last.done / last.total) * 100) : 100}% (${last.done}/${last.total} ${unit})`;
    if (line !== printed) stream.write(line + '\n');
    printed = line;
  };
  return {
    update(done, total) {
      last = { done, total };
      const step = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (step > lastStep) {
        lastStep = step;
        print();
      }
    },
    stop() {
      // The last line always says where it ended.
      if (last.total > 0) print();
    },
  };
}
