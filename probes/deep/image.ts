/**
 * swarmlint's image, as `npm run image:offline` writes it and the Dockerfile builds it: one image with two tags,
 * `swarmlint/swarmlint:<version>` for users (`docker run --rm -v "$PWD:/src" IMAGE lint .`) and
 * `swarmlint/deep:<version>`, what `audit --deep` runs by default.
 */
import { TOOL_VERSION } from '../../language/meta.js';

export const IMAGE_REPO = 'swarmlint/swarmlint';
export const IMAGE = `${IMAGE_REPO}:${TOOL_VERSION}`;
export const DEEP_IMAGE_REPO = 'swarmlint/deep';
export const DEEP_IMAGE = `${DEEP_IMAGE_REPO}:${TOOL_VERSION}`;
/** The TCP port of the hello exchange between deep-probe tasks on an overlay. */
export const HELLO_PORT = 7799;
