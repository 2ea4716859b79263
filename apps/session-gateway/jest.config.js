module.exports = { ...require('../../jest.preset.js'), displayName: 'session-gateway', rootDir: __dirname };
