// Firefox ESR (Debian's firefox-esr, through WebDriver BiDi): the walks
// every engine must pass (engine-suite.mjs).
import { engineSuite } from './engine-suite.mjs';
import { firefox } from './engines.mjs';

engineSuite('Firefox ESR', firefox);
