import { commandWords, splitCommandLine } from './command-line';

describe('splitCommandLine', () => {
  it('reads words, quotes and escapes as a shell does, expanding nothing', () => {
    expect(splitCommandLine('sh')).toEqual(['sh']);
    expect(splitCommandLine('  bash   -l ')).toEqual(['bash', '-l']);
    expect(splitCommandLine(`sh -c 'ls /data | wc -l'`)).toEqual(['sh', '-c', 'ls /data | wc -l']);
    expect(splitCommandLine('echo "a b" c\\ d')).toEqual(['echo', 'a b', 'c d']);
    expect(splitCommandLine('echo $HOME *.txt')).toEqual(['echo', '$HOME', '*.txt']);
  });

  it('refuses what only a shell would do, and an empty line, naming the field', () => {
    expect(() => splitCommandLine('ls | wc -l')).toThrow(`command: "|" needs a shell, and none runs the command; write it as sh -c '…'`);
    expect(() => splitCommandLine('a; b')).toThrow(/command: ";" needs a shell/);
    expect(() => splitCommandLine('   ')).toThrow('command: is empty (e.g. sh)');
    expect(() => splitCommandLine('x'.repeat(5000))).toThrow('command: must be at most 4096 characters');
  });

  it('takes words as they are, and sh when nothing is given', () => {
    expect(commandWords(undefined)).toEqual(['sh']);
    expect(commandWords(['sh', '-c', 'echo $((6*7))'])).toEqual(['sh', '-c', 'echo $((6*7))']);
    expect(() => commandWords([])).toThrow('command: is empty');
  });
});
