/**
 * ts-observatory/vitest: add to vitest's `test.setupFiles`.
 *
 * Vitest ends its workers without letting the event loop run dry ('beforeExit' never fires), and a forks
 * worker gets SIGTERM and, 500 ms later, SIGKILL: too soon for a busy database. After each test file, this
 * commits everything recorded so far (or counts it as not recorded) and stops the writer thread, so nothing
 * is left to do when the worker ends.
 */
import { afterAll } from 'vitest';
import { shutdown, SHUTDOWN_TIMEOUT_MS } from './index.js';

afterAll(() => shutdown(), SHUTDOWN_TIMEOUT_MS);
