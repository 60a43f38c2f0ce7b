// eslint's configuration for the page's script (aeviz/renderer/page/*.js), run by .ci/run and
// tests/test_page_lint.py: `eslint --config .ci/eslint.config.mjs aeviz/renderer/page`.
// Each file is a part of one script (see the comment at the top of page.html): the parts share
// the namespace `page`, made by the template, and run in a browser.
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";

// eslint's own recommended rules, found beside the eslint that runs (a global install too).
const js = createRequire(realpathSync(process.argv[1]))("@eslint/js");

export default [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: {
        page: "readonly", window: "readonly", document: "readonly", performance: "readonly",
        requestAnimationFrame: "readonly", setTimeout: "readonly", clearTimeout: "readonly",
        atob: "readonly"
      }
    },
    rules: {
      "no-unused-vars": ["error", { args: "none" }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always"],
      "no-self-compare": "off",
      "no-shadow": "error",
      "no-implicit-globals": "error",
      strict: ["error", "never"]
    }
  }
];
