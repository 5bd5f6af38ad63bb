using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AbuseProtection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing sites get the same CAPTCHA defaults as new ones (off; register, login and recovery when on).
            migrationBuilder.AddColumn<int>(
                name: "Captcha_Actions",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: 7);

            migrationBuilder.AddColumn<int>(
                name: "Captcha_AltchaMaxNumber",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: 100000);

            migrationBuilder.AddColumn<bool>(
                name: "Captcha_FailOpen",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "Captcha_MinScore",
                table: "sites",
                type: "REAL",
                nullable: false,
                defaultValue: 0.5);

            migrationBuilder.AddColumn<int>(
                name: "Captcha_Mode",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Captcha_Provider",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Captcha_RiskAfterFailures",
                table: "sites",
                type: "INTEGER",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<string>(
                name: "Captcha_SealedSecret",
                table: "sites",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Captcha_SiteKey",
                table: "sites",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Captcha_VerifyUrl",
                table: "sites",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "captcha_replays",
                columns: table => new
                {
                    Digest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_captcha_replays", x => x.Digest);
                });

            migrationBuilder.CreateTable(
                name: "throttle_counters",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_throttle_counters", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_captcha_replays_ExpiresAt",
                table: "captcha_replays",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_throttle_counters_ExpiresAt",
                table: "throttle_counters",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "captcha_replays");

            migrationBuilder.DropTable(
                name: "throttle_counters");

            migrationBuilder.DropColumn(
                name: "Captcha_Actions",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_AltchaMaxNumber",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_FailOpen",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_MinScore",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_Mode",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_Provider",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_RiskAfterFailures",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_SealedSecret",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_SiteKey",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "Captcha_VerifyUrl",
                table: "sites");
        }
    }
}
