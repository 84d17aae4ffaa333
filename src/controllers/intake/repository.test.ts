import { parseRepositoryName, repositoryMatches } from './repository';

describe('parseRepositoryName', () => {
  it.each([
    ['git@gitlab.example.com:shop/magento.git', { host: 'gitlab.example.com', path: 'shop/magento' }],
    ['ssh://git@GitLab.Example.com:2222/shop/magento.git', { host: 'gitlab.example.com', path: 'shop/magento' }],
    ['https://gitlab.example.com/shop/magento.git', { host: 'gitlab.example.com', path: 'shop/magento' }],
    ['https://user@gitlab.example.com:8443/Shop/Magento/', { host: 'gitlab.example.com', path: 'shop/magento' }],
    ['https://gitlab.example.com/shop/magento/-/merge_requests/7', { host: 'gitlab.example.com', path: 'shop/magento' }],
    ['shop/sub/magento', { path: 'shop/sub/magento' }],
    ['gitlab.example.com:shop/magento', { host: 'gitlab.example.com', path: 'shop/magento' }],
  ])('%s', (text, expected) => {
    expect(parseRepositoryName(text)).toEqual(expected);
  });

  it('refuses empty and unparseable text', () => {
    expect(parseRepositoryName('  ')).toBeUndefined();
    expect(parseRepositoryName('https://')).toBeUndefined();
  });
});

describe('repositoryMatches', () => {
  const ref = {
    pathWithNamespace: 'shop/magento',
    gitSshUrl: 'git@gitlab.example.com:shop/magento.git',
    gitHttpUrl: 'https://gitlab.example.com/shop/magento.git',
    webUrl: 'https://gitlab.example.com/shop/magento',
  };

  it.each([
    'git@gitlab.example.com:shop/magento.git',
    'https://GITLAB.example.com/shop/magento',
    'ssh://git@gitlab.example.com/shop/magento.git',
    'shop/magento',
    'Shop/Magento.git',
  ])('matches %s', (configured) => {
    expect(repositoryMatches(ref, configured)).toBe(true);
  });

  it.each([
    'git@github.com:shop/magento.git',
    'https://gitlab.example.com/shop/magento-theme',
    'shop/magento/extra',
    'magento',
  ])('does not match %s', (configured) => {
    expect(repositoryMatches(ref, configured)).toBe(false);
  });

  it('matches on the path alone when the webhook only gave a path', () => {
    expect(repositoryMatches({ pathWithNamespace: 'shop/magento' }, 'git@gitlab.example.com:shop/magento.git')).toBe(true);
    expect(repositoryMatches({ pathWithNamespace: 'shop/magento' }, undefined)).toBe(false);
  });
});
