namespace Latchkey.Server.Configuration;

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}
