export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`candor ${argv.join(' ')}\n`);
  return 0;
}
