// WebKit (Debian's WebKitGTK, through WebKitWebDriver; an Xvfb of its own
// when there is no display): the walks every engine must pass
// (engine-suite.mjs).
import { engineSuite } from './engine-suite.mjs';
import { webkit } from './engines.mjs';

engineSuite('WebKitGTK', webkit);
