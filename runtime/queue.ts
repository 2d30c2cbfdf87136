/**
 * The bounded queue between the hot path and the flusher.
 *
 * `push` is what `exit` and `fail` pay for: an array push and a couple of length and flag checks. Everything
 * else (copying values, messaging the pool) happens when the queue is drained, which is never inside the
 * user's call: a full batch schedules a drain with setImmediate, and the first record after a drain arms an
 * unref'd timer so a trickle of calls is written within flushIntervalMs without keeping the process alive.
 *
 * When the queue holds `capacity` records, new successful calls are dropped and counted per function; failed
 * calls are always kept, even past the capacity, because they are the ones people look for.
 */
import { type Call, CallStatus } from './call';

export class RecordQueue {
  records: Call[] = [];
  /** Most records held at once since the process started. */
  highWater = 0;
  /** True when some function's drop totals changed since they were last put into a batch. */
  dropsPending = false;
  readonly capacity: number;
  /** Records per batch message. */
  readonly batchSize: number;
  private readonly flushIntervalMs: number;
  /** Called when the queue wants draining; set by the flusher. */
  onDrain: () => void = () => {};
  private drainScheduled = false;
  private timerArmed = false;
  private readonly runDrain = (): void => {
    this.drainScheduled = false;
    this.timerArmed = false;
    this.onDrain();
  };

  constructor(capacity: number, batchSize: number, flushIntervalMs: number) {
    this.capacity = capacity;
    this.batchSize = Math.min(batchSize, capacity);
    this.flushIntervalMs = flushIntervalMs;
  }

  /** Queues a completed record; returns false when it was dropped (and counted) because the queue is full. */
  push(call: Call): boolean {
    const records = this.records;
    if (records.length >= this.capacity && call.status === CallStatus.Ok) {
      call.fn.queueFullDrops++;
      call.fn.dropsUnsent = true;
      this.dropsPending = true;
      return false;
    }
    if (records.push(call) >= this.batchSize) {
      if (!this.drainScheduled) this.scheduleDrain();
    } else if (!this.timerArmed) {
      this.armTimer();
    }
    return true;
  }

  /** Asks for a drain on the next turn of the event loop (used when a full batch is waiting). */
  scheduleDrain(): void {
    this.drainScheduled = true;
    setImmediate(this.runDrain);
  }

  /** Takes up to `max` records, oldest first. */
  take(max: number): Call[] {
    const records = this.records;
    // Records only accumulate between takes, so the length just before a take is a local maximum.
    if (records.length > this.highWater) this.highWater = records.length;
    if (records.length <= max) {
      this.records = [];
      return records;
    }
    return records.splice(0, max);
  }

  get length(): number {
    return this.records.length;
  }


  private armTimer(): void {
    this.timerArmed = true;
    setTimeout(this.runDrain, this.flushIntervalMs).unref();
  }
}
