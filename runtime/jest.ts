/**
 * ts-observatory/jest: add to jest's `setupFilesAfterEnv`.
 *
 * Jest gives every test file its own copy of the runtime and its own `process` object, whose exit and
 * signal events never fire for the real process: without this, whatever a test file recorded last could
 * still be in the ring when jest ends the worker. After each file, this commits everything the file's copy
 * recorded (or counts it as not recorded) and stops its writer thread.
 */
import { shutdown, SHUTDOWN_TIMEOUT_MS } from './index';

declare const afterAll: (hook: () => Promise<void>, timeoutMs: number) => void;

afterAll(() => shutdown(), SHUTDOWN_TIMEOUT_MS);
