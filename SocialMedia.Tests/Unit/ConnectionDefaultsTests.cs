using Npgsql;
using SocialMedia.Api.Database;

namespace SocialMedia.Tests.Unit;

public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void A_connection_string_gets_no_reset_on_close_auto_prepare_and_no_kerberos_or_enlisting()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolingDefaults("Host=db;Database=social;Username=app"));
        Assert.True(builder.NoResetOnClose);
        Assert.True(builder.MaxAutoPrepare > 0);
        Assert.Equal(GssEncryptionMode.Disable, builder.GssEncryptionMode);
        Assert.False(builder.Enlist);
        Assert.Equal("db", builder.Host);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0;GSS Encryption Mode=Prefer;Enlist=true")]
    [InlineData("Host=db;noresetonclose=false;MaxAutoPrepare=0;gssencryptionmode=prefer;enlist=true")]
    public void Settings_the_connection_string_makes_itself_are_kept(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolingDefaults(connectionString));
        Assert.False(builder.NoResetOnClose);
        Assert.Equal(0, builder.MaxAutoPrepare);
        Assert.Equal(GssEncryptionMode.Prefer, builder.GssEncryptionMode);
        Assert.True(builder.Enlist);
    }
}
