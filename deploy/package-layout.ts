// Where the build puts the runnable exporter. package.json (`bin`, `files`), the build script, the
// Dockerfile and the systemd unit all point at these paths; test/e2e/delivery checks package.json agrees.

/** The build's entry point (tsconfig.build.json "files"): the compiler follows its imports. */
export const BUILD_ENTRY = 'exporter/main.ts';

/** The compiled tree (git-ignored; shipped in the npm package and the image). */
export const DIST_DIR = 'dist';

/** The command name of the package's bin entry, also the systemd unit's and the image's name. */
export const BIN_NAME = 'genesys-cloud-exporter';

/** The file the bin runs: the compiled exporter/main.ts. */
export const BIN_PATH = `${DIST_DIR}/exporter/main.js`;

/** {version, revision} of the build; exporter/build-info.ts reads it as ../build-info.json. */
export const BUILD_INFO_PATH = `${DIST_DIR}/build-info.json`;
