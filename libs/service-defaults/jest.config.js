module.exports = { ...require('../../jest.preset.js'), displayName: 'service-defaults', rootDir: __dirname };
