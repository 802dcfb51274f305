// Flat config: the Office add-in rules (load before read, no sync in loops, …) on every TS file,
// prettier as the formatter. Type checking is tsc's job (npm run typecheck), so no-undef is off.
const officeAddins = require("eslint-plugin-office-addins");
const reactPlugin = require("eslint-plugin-react");
const tseslint = require("typescript-eslint");

const recommended = officeAddins.configs.recommended;
const tsFiles = ["**/*.{ts,tsx,cts,mts}"];

module.exports = [
  {
    ignores: [
      ".tmp/**",
      "node_modules/**",
      "dist/**",
      "coverage/**",
      "test-artifacts/**",
      "bench/results/**",
      ".data/**",
    ],
  },
  ...recommended.map((c) => (c.files ? { ...c, files: [...c.files, "**/*.tsx"] } : c)),
  {
    files: ["**/*.tsx"],
    plugins: { react: reactPlugin },
    settings: { react: { version: "18.3" } },
    rules: {
      ...reactPlugin.configs.flat.recommended.rules,
      "react/react-in-jsx-scope": "off",
      "react/prop-types": "off",
    },
  },
  {
    files: tsFiles,
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2022,
      sourceType: "module",
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    rules: {
      "no-undef": "off",
      "no-redeclare": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
  },
];
