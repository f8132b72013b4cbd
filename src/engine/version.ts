import manifest from '../../package.json';

/** The product version, recorded in every run folder. */
export const PRODUCT_VERSION: string = manifest.version;
