module.exports = { ...require('../../jest.preset.js'), displayName: 'claims', rootDir: __dirname };
