import { expectReadmeConfigSection, SHARED_CONFIG_SECTIONS } from './readme-config';

describe('README configuration tables of the shared settings', () => {
  it.each(SHARED_CONFIG_SECTIONS.map((section) => [section.id, section]))(
    'section %s matches its schema',
    (_id, section) => {
      expectReadmeConfigSection(section.id, section.title, section.schema);
    },
  );
});
