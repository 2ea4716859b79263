module.exports = { ...require('../../jest.preset.js'), displayName: 'http-errors', rootDir: __dirname };
