import { write, writeSync } from 'node:fs';

const BATCH_BYTES = 4096;
const FLUSH_INTERVAL_MS = 250;
/** Lines kept while the reader is slow; beyond this, new lines are dropped rather than memory grown. */
const MAX_PENDING_BYTES = 1024 * 1024;
/** A full non-blocking pipe at exit: retried this often, 10 ms apart, then abandoned. */
const EXIT_RETRIES = 20;
const RETRY_SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Where a logger's lines go: batched asynchronous writes to a file descriptor (stdout), one write
 * per 4 KiB or per 250 ms. It gives up for good on the first error other than EAGAIN (EPIPE,
 * EBADF, ...): a log stream whose reader is gone must never make a service spin or hang. pino's
 * own destination (sonic-boom) retries every such error forever, every 100 ms, inside a
 * synchronous flush at exit, which blocked a service whose launcher was killed from ever exiting.
 */
export class LogDestination {
  private pending: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private broken = false;

  constructor(private readonly fd: number) {
    setInterval(() => this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  write(line: string): boolean {
    if (this.broken || this.pendingBytes + line.length > MAX_PENDING_BYTES) return true;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= BATCH_BYTES) this.flush();
    return true;
  }

  flush(): void {
    if (this.broken || this.writing || this.pending.length === 0) return;
    this.writeOut(this.take());
  }

  /**
   * Writes what is pending before the process exits. A batch already handed to an asynchronous
   * write is left to it (writing it again could duplicate lines).
   */
  flushSync(): void {
    if (this.broken || this.pending.length === 0) return;
    let buffer = this.take();
    let retries = 0;
    while (buffer.length > 0 && !this.broken) {
      try {
        buffer = buffer.subarray(writeSync(this.fd, buffer));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++retries > EXIT_RETRIES) this.giveUp();
        else Atomics.wait(RETRY_SLEEP, 0, 0, 10);
      }
    }
  }

  private take(): Buffer {
    const buffer = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    return buffer;
  }

  private writeOut(buffer: Buffer): void {
    this.writing = true;
    write(this.fd, buffer, 0, buffer.length, null, (error, written) => {
      this.writing = false;
      if (error?.code === 'EAGAIN') {
        // The reader is slow: keep the batch for the next flush.
        this.pending.unshift(buffer.toString());
        this.pendingBytes += buffer.length;
      } else if (error) {
        this.giveUp();
      } else if (written < buffer.length) {
        this.writeOut(buffer.subarray(written));
      } else if (this.pendingBytes >= BATCH_BYTES) {
        this.flush();
      }
    });
  }

  private giveUp(): void {
    this.broken = true;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
