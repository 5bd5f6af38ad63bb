namespace Latchkey.Server.Hosting;

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}
