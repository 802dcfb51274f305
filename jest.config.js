/** @type {import('jest').Config} */
// tsconfig sets isolatedModules, so ts-jest only transpiles; `npm run typecheck` is the type check.
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }];

const common = {
  transform: { "^.+\\.tsx?$": tsJest },
  moduleFileExtensions: ["ts", "tsx", "js", "json"],
  // office-addin-mock imports office-addin-manifest's package root, which drags in network code;
  // the only thing it needs is the host enum in officeApp.js.
  moduleNameMapper: {
    "^office-addin-manifest$": "<rootDir>/node_modules/office-addin-manifest/lib/officeApp.js",
  },
  testEnvironment: "node",
  // Tests assert behaviour, never time; a file import with its pre-flight can take seconds on a busy 2-core
  // runner, so the per-test limit is generous (a hang still fails).
  testTimeout: 20_000,
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/test/unit/**/*.test.tsx"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
    },
    {
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
    },
  ],
};
