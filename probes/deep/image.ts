/** The deep-probe image: what `npm run image:offline` tags and what `audit --deep` runs by default. */
import { TOOL_VERSION } from '../../language/meta.js';

export const DEEP_IMAGE_REPO = 'swarmlint/deep';
export const DEEP_IMAGE = `${DEEP_IMAGE_REPO}:${TOOL_VERSION}`;
/** The TCP port of the hello exchange between deep-probe tasks on an overlay. */
export const HELLO_PORT = 7799;
