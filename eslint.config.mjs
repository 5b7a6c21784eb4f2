// ESLint for the helper (TypeScript, with typescript-eslint's recommended rules) and for the
// project's Node scripts; `npm run lint` runs it, and `npm test` runs that.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "src/dist/**",
      "node_modules/**",
      "output/**",
      "data/**",
      ".venv/**",
      ".venv-bench/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Its page.waitForFunction callbacks run in the browser.
    files: ["tests/browser/**"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The website's page script: runs in the browser after the bundled KaTeX and plotly.js.
    files: ["scripts/site/**"],
    languageOptions: {
      sourceType: "script",
      globals: { ...globals.browser, renderMathInElement: "readonly", Plotly: "readonly" },
    },
  },
  {
    rules: {
      // `_name` marks a parameter that a signature needs but the body does not use.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
);
