using Npgsql;
using SocialMedia.Api.Database;

namespace SocialMedia.Tests.Unit;

public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void A_connection_string_gets_no_reset_on_close_and_auto_prepare()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolingDefaults("Host=db;Database=social;Username=app"));
        Assert.True(builder.NoResetOnClose);
        Assert.True(builder.MaxAutoPrepare > 0);
        Assert.Equal("db", builder.Host);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=db;noresetonclose=false;MaxAutoPrepare=0")]
    public void Settings_the_connection_string_makes_itself_are_kept(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolingDefaults(connectionString));
        Assert.False(builder.NoResetOnClose);
        Assert.Equal(0, builder.MaxAutoPrepare);
    }
}
