using Kudos.Silo.Storage;
using Npgsql;
using Xunit;

namespace Kudos.IntegrationTests;

/// <summary>The silo's pool settings: the defaults it adds, and an operator's own values kept as given.</summary>
public sealed class KudosDataSourceTests
{
    private const string Base = "Host=127.0.0.1;Port=5432;Username=kudos;Database=kudos";

    [Fact]
    public void A_pooled_connection_is_not_reset_and_statements_are_prepared_unless_the_connection_string_says_otherwise()
    {
        Assert.Equal((true, KudosDataSource.MaxAutoPrepare), Settings(Base));
        Assert.Equal((false, 0), Settings(Base + ";No Reset On Close=false;Max Auto Prepare=0"));
        Assert.Equal((false, 5), Settings(Base + ";noresetonclose=false;MaxAutoPrepare=5"));
    }

    private static (bool NoResetOnClose, int MaxAutoPrepare) Settings(string connectionString)
    {
        using var dataSource = KudosDataSource.Create(connectionString);
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return (settings.NoResetOnClose, settings.MaxAutoPrepare);
    }
}
