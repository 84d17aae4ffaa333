import { renderUserData } from './user-data';
import { FILE_SYSTEM_ID_SLOT, fillFileSystemId } from '../model/user-data';

const mount = (fileSystemId: string) => ({ fileSystemId, region: 'eu-west-1', mountPath: '/mnt/shared' });

describe('fillFileSystemId', () => {
  it('turns user-data rendered with the slot into the user-data rendered with the real id', () => {
    const own = '#!/bin/bash\necho hello\n';
    const withSlot = renderUserData(own, mount(FILE_SYSTEM_ID_SLOT));
    expect(withSlot).toContain(`${FILE_SYSTEM_ID_SLOT}.efs.eu-west-1.amazonaws.com`);
    expect(fillFileSystemId(withSlot, 'fs-0123')).toBe(renderUserData(own, mount('fs-0123')));
  });

  it("leaves the manifest's own user-data alone, slot text included", () => {
    const own = `#!/bin/bash\necho '${FILE_SYSTEM_ID_SLOT}'\n`;
    const filled = fillFileSystemId(renderUserData(own, mount(FILE_SYSTEM_ID_SLOT)), 'fs-0123');
    expect(filled).toBe(renderUserData(own, mount('fs-0123')));
    expect(filled.endsWith(`echo '${FILE_SYSTEM_ID_SLOT}'\n`)).toBe(true);
  });

  it('changes nothing without drover’s preamble', () => {
    expect(fillFileSystemId(`echo ${FILE_SYSTEM_ID_SLOT}`, 'fs-0123')).toBe(`echo ${FILE_SYSTEM_ID_SLOT}`);
  });
});
