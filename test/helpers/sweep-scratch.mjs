// `npm test` runs this before the suite: it removes the scratch directories a test process killed by a signal
// left in .test-out/ (helpers/compile.mjs, removeLeftoverScratchDirs), and keeps the builds that are shared
// from run to run (helpers/pipeline.mjs, isKeptBuild). KEEP_TEST_OUT=1 keeps everything.
import { removeLeftoverScratchDirs } from './compile.mjs';
import { isKeptBuild } from './pipeline.mjs';

if (process.env.KEEP_TEST_OUT !== '1') removeLeftoverScratchDirs(isKeptBuild);
