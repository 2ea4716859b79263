module.exports = { ...require('../../jest.preset.js'), displayName: 'sessions-vs-jwt', rootDir: __dirname };
