module.exports = { ...require('../../jest.preset.js'), displayName: 'upstreams', rootDir: __dirname };
