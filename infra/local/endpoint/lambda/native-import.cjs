// Node's own dynamic import, loaded with require() so that test runners which rewrite `import()`
// in the code they transform (vitest) leave it alone: handlers load exactly as on Lambda.
module.exports = (specifier) => import(specifier);
