import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../core/config.js';
import { DomainError } from '../core/errors.js';
import { ROLES, type Role } from '../core/tables.js';
import { CliError, EXIT } from './exit.js';
import { note } from './output.js';
import { supportCommands } from './commands/support.js';

const EPILOGUE = `
Configuration comes from environment variables (DATABASE_URL, PORT, SESSION_SECRET, …; every one is
listed in the README, "Configuration"). Without DATABASE_URL the database is the SQLite file
data/kabuto.db.

Exit codes:
  0  done
  1  the command failed (database unreachable, invalid plan file, copy mismatch, unknown user)
  2  usage or configuration error (unknown command or option, bad value, bad environment variable)
  3  refused to protect existing data (user exists, backup file exists, copy target not empty)

Examples:
  kabuto                                        serve the portal (same as: kabuto serve)
  kabuto user add --email admin@example.jp --role admin
  kabuto token create --email admin@example.jp --name ci --expires 2027-03-31
  kabuto plan import seed/plan/tokyo-econ-plan.json
  kabuto companies import companies.csv --dry-run
  kabuto catalog import metadatalist.csv
  kabuto backup backups/kabuto-$(date +%F).db
  kabuto db copy --to postgres://kabuto@db.internal/kabuto`;

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function positiveInt(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(raw);
}

/** The command tree. Command modules load on use, so `--help` stays quick. */
export function buildProgram(): Command {
  const program = new Command('kabuto')
    .description("Kabuto: the digital services of Tokyo's International Financial and Economic City plan")
    .version(version(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run kabuto --help, or kabuto <command> --help, for usage)')
    .addHelpText('after', EPILOGUE);

  program
    .command('serve', { isDefault: true })
    .description('serve the portal on HOST:PORT until SIGTERM or SIGINT (the default command)')
    .action(async () => {
      const { serve } = await import('../server.js');
      await serve(loadConfig());
    });

  program
    .command('migrate')
    .description('bring the database schema up to date and print the migrations applied')
    .action(async () => {
      const { migrateCommand } = await import('./commands/migrate.js');
      await migrateCommand(loadConfig());
    });

  const plan = program.command('plan').description('plan import <file>: load or update the plan');
  plan
    .command('import')
    .description('load or update a plan from a JSON file, idempotently, in one transaction')
    .argument('<file>', 'plan file, e.g. seed/plan/tokyo-econ-plan.json')
    .action(async (file: string) => {
      const { planImportCommand } = await import('./commands/plan.js');
      await planImportCommand(loadConfig(), file);
    });

  const companies = program.command('companies').description('companies import <file>: load or update companies from a CSV');
  companies
    .command('import')
    .description('import companies from a CSV with gBizINFO columns (corporate_number, name, kana, name_en, location, …); idempotent on corporate_number')
    .argument('<file>', 'CSV file (UTF-8, header row)')
    .option('--dry-run', 'check every row and report what would change, writing nothing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const { companiesImportCommand } = await import('./commands/companies.js');
      await companiesImportCommand(loadConfig(), file, opts);
    });

  const user = program.command('user').description('user add: create a user account');
  user
    .command('add')
    .description('create a user; the password is read from stdin when piped, else generated and printed once')
    .requiredOption('--email <email>', 'sign-in email address')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
    .addOption(new Option('--org <id>', 'catalog organization (publishers only)').conflicts('company'))
    .addOption(new Option('--company <id>', 'company (members only)').conflicts('org'))
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .addHelpText('after', '\nExamples:\n  kabuto user add --email admin@example.jp --role admin\n  printf \'%s\\n\' "$PASSWORD" | kabuto user add --email pub@example.jp --role publisher --org 130001')
    .action(async (opts: { email: string; role: Role; org?: string; company?: string; name?: string }) => {
      const { userAddCommand } = await import('./commands/user.js');
      await userAddCommand(loadConfig(), opts);
    });

  const token = program.command('token').description('token create: create an API token');
  token
    .command('create')
    .description('create an API token for a user and print it (only this once) on stdout')
    .requiredOption('--email <email>', 'the user the token acts as')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--expires <YYYY-MM-DD>', 'last day the token works (Japan time); default: no expiry')
    .action(async (opts: { email: string; name: string; expires?: string }) => {
      const { tokenCreateCommand } = await import('./commands/token.js');
      await tokenCreateCommand(loadConfig(), opts);
    });

  program
    .command('backup')
    .description('SQLite: write an online, verified copy of the database to FILE (PostgreSQL: prints the pg_dump command)')
    .argument('<file>', 'where to write the copy')
    .option('--force', 'replace FILE if it exists (only once the new copy is complete and checked)')
    .action(async (file: string, opts: { force?: boolean }) => {
      const { backupCommand } = await import('./commands/backup.js');
      await backupCommand(loadConfig(), file, opts);
    });

  const catalog = program.command('catalog').description('catalog import <file.csv> | reindex: load a catalog export, rebuild the search index');
  catalog
    .command('import')
    .description('load a Tokyo open data catalog metadata export (CSV, one row per resource), idempotently, one transaction per dataset')
    .argument('<file>', 'the export, e.g. metadatalist.csv (UTF-8 with BOM)')
    .action(async (file: string) => {
      const { catalogImportCommand } = await import('./commands/catalog.js');
      await catalogImportCommand(loadConfig(), file);
    });
  catalog
    .command('reindex')
    .description("rebuild the catalog's search index from its datasets")
    .action(async () => {
      const { catalogReindexCommand } = await import('./commands/catalog.js');
      await catalogReindexCommand(loadConfig());
    });

  catalog
    .command('harvest')
    .description('run one harvest of a source now (another CKAN or a DCAT catalog), with a progress bar; exit 3 when a run of it is already going')
    .argument('<source>', 'the source name or id (kabuto catalog harvest-sources lists them)')
    .option('--full', 'fetch every record again, not only those changed since the last complete run')
    .action(async (source: string, opts: { full?: boolean }) => {
      const { catalogHarvestCommand } = await import('./commands/catalog-harvest.js');
      await catalogHarvestCommand(loadConfig(), source, opts);
    });
  catalog
    .command('harvest-sources')
    .description('list the harvest sources with their schedules and last runs')
    .action(async () => {
      const { catalogHarvestSourcesCommand } = await import('./commands/catalog-harvest.js');
      await catalogHarvestSourcesCommand(loadConfig());
    });

  const db = program.command('db').description('db copy --to <postgres-url>: move a SQLite installation to PostgreSQL');
  db.command('copy')
    .description('move this SQLite installation (DATABASE_URL) to an empty PostgreSQL database')
    .requiredOption('--to <postgres-url>', 'target database, e.g. postgres://kabuto@db.internal/kabuto')
    .option('--force-empty', "delete every row of the target's Kabuto tables first (in the copy's transaction)")
    .option('--batch-size <rows>', 'rows per INSERT', positiveInt, 1000)
    .addHelpText(
      'after',
      '\nThe target is refused (exit 3) if it holds data (rows beyond those its migrations insert), unless\n--force-empty. All tables are copied in one transaction and the row counts compared before COMMIT:\nthe target ends complete, or as it was. Stop the server first: rows written after the copy starts\nare not copied.',
    )
    .action(async (opts: { to: string; forceEmpty?: boolean; batchSize: number }) => {
      const { dbCopyCommand } = await import('./commands/db-copy.js');
      await dbCopyCommand(loadConfig(), opts);
    });

  supportCommands(program);
  return program;
}

/** Run the CLI on process.argv-style arguments; resolves to the exit code (serve resolves once listening). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const first = argv[2];
  // With a default command, commander would hand an unknown word to `serve` as an argument.
  if (first !== undefined && !first.startsWith('-') && !program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
    note(`error: unknown command '${first}'`);
    note('(run kabuto --help for the list of commands)');
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'node' });
    return EXIT.ok;
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  // Commander has already printed its message (or the help / version).
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof ConfigError) {
    note(`configuration error: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    note(`error: ${err.message}`);
    for (const d of err.details) note(d);
    return err.exitCode;
  }
  if (err instanceof DomainError) {
    note(`error: ${err.message}`);
    for (const f of err.fields) note(`  ${f.field}: ${f.message}`);
    if (err.code === 'validation-failed' || err.code === 'bad-request') return EXIT.usage;
    if (err.code === 'conflict') return EXIT.refused;
    return EXIT.failure;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  note(`error: ${e.message}`);
  if (/^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '')) note(e.stack ?? '');
  else note('(set LOG_LEVEL=debug for the stack trace)');
  return EXIT.failure;
}
