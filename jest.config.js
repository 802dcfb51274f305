/** @type {import('jest').Config} */
// tsconfig sets isolatedModules, so ts-jest only transpiles; `npm run typecheck` is the type check.
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }];

// kysely ≥ 0.28 ships ESM only; jest's CommonJS runtime (Node < 24.9) cannot require it, so its .js
// files are transpiled to CommonJS like our TypeScript (src/server/db uses kysely).
const esmToCjs = [
  "ts-jest",
  {
    tsconfig: { allowJs: true, module: "commonjs", target: "ES2021", isolatedModules: true },
    diagnostics: false,
  },
];

const common = {
  transform: { "^.+\\.tsx?$": tsJest, "^.+/node_modules/kysely/.+\\.js$": esmToCjs },
  transformIgnorePatterns: ["/node_modules/(?!kysely/)"],
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
